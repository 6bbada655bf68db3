#include "panels/PlotsPanel.h"
#include "losslens/set/VariantComparison.h"
#include "panels/RunScatter.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

namespace losslens {

namespace {

// Compact charts: small margins and legend, the title only says the scope.
void compactChart(QChart* chart) {
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont small = chart->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    chart->legend()->setFont(small);
    QFont titleFont = chart->titleFont();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    chart->setTitleFont(titleFont);
}

} // namespace

std::vector<std::size_t> classesWithLoss(const std::vector<std::vector<double>>& classSums,
                                         std::size_t listEveryUpTo) {
    std::size_t classes = 0;
    for (const auto& sums : classSums)
        classes = std::max(classes, sums.size());
    std::vector<std::size_t> listed;
    for (std::size_t c = 0; c < classes; ++c) {
        bool any = classes <= listEveryUpTo;
        for (const auto& sums : classSums)
            any = any || (c < sums.size() && sums[c] > 0.0);
        if (any)
            listed.push_back(c);
    }
    return listed;
}

double histogramAxisEnd(const std::vector<LossHistogram>& histograms) {
    double end = 0.0;
    for (const LossHistogram& h : histograms)
        for (std::size_t b = h.counts.size(); b-- > 0;)
            if (h.counts[b] > 0) {
                end = std::max(end, static_cast<double>(h.binUpperEdge(b)));
                break;
            }
    if (!(end > 0.0))
        return 1.0;
    const double power = std::pow(10.0, std::floor(std::log10(end)));
    for (double m : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
        if (m * power >= end * (1.0 - 1e-9))
            return m * power;
    return end;
}

PlotsPanel::PlotsPanel(DatasetSession* session, RunScores* runs, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_runs(runs) {
    connect(session, &DatasetSession::setChanged, this, [this, session] {
        setSet(session->setHistograms(), session->setSummary(), session->classes());
    });
    connect(session, &DatasetSession::sampleReady, this,
            [this](const SampleDataPtr& ready) { setSample(ready); });
    connect(session, &DatasetSession::sampleFailed, this, [this, session](qulonglong entry) {
        if (entry == session->requestedSample())
            setSample(nullptr, session->classes(), session->ignoreIndex());
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    // One chart at a time, with the dock's whole height: two stacked charts in a dock of
    // the side column were too short to show their ticks and legends.
    auto* row = new QHBoxLayout;
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("Loss histogram"));
    m_kind->addItem(tr("Loss by class"));
    m_kind->setToolTip(tr("Histogram of per-pixel loss per variant, or the sum of loss by "
                          "labelled class per variant"));
    m_scope = new QComboBox(this);
    m_scope->addItem(tr("Current sample"));
    m_scope->addItem(tr("Whole set"));
    m_scope->setToolTip(tr("Plot the current sample or the whole set"));
    connect(m_scope, &QComboBox::currentIndexChanged, this, &PlotsPanel::refresh);
    row->addWidget(m_kind, 1);
    row->addWidget(m_scope, 1);
    layout->addLayout(row);
    m_histogramView = new QChartView(this);
    m_histogramView->setRenderHint(QPainter::Antialiasing);
    m_histogramView->setToolTip(tr("Histogram of per-pixel loss, log-scaled pixel counts"));
    m_histogramView->setMinimumHeight(220);
    m_classView = new QChartView(this);
    m_classView->setRenderHint(QPainter::Antialiasing);
    m_classView->setToolTip(tr("Sum of per-pixel loss by labelled class, for each variant"));
    m_classView->setMinimumHeight(220);
    m_classView->hide();
    m_runView = new RunScatter(session, runs, this);
    m_runView->hide();
    connect(m_runView, &RunScatter::entryClicked, this, &PlotsPanel::entryClicked);
    layout->addWidget(m_histogramView, 1);
    layout->addWidget(m_classView, 1);
    layout->addWidget(m_runView, 1);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this](int kind) {
        m_histogramView->setVisible(kind == 0);
        m_classView->setVisible(kind == 1);
        m_runView->setVisible(kind == 2);
        m_scope->setEnabled(kind != 2); // the runs' plot is always the whole set
        if (kind == 2)
            m_runView->replot();
    });
    if (m_runs)
        connect(m_runs, &RunScores::scoresChanged, this, [this] {
            offerRuns();
            if (m_kind->currentIndex() == 2)
                m_runView->replot();
        });
    refresh();
}

void PlotsPanel::offerRuns() {
    const bool several = m_runs && m_runs->runs().size() > 1;
    if (several && m_kind->count() < 3)
        m_kind->addItem(tr("Runs: mean per sample"));
    else if (!several && m_kind->count() > 2)
        m_kind->removeItem(2);
}

void PlotsPanel::showRuns() {
    offerRuns();
    if (m_kind->count() > 2)
        m_kind->setCurrentIndex(2);
}

bool PlotsPanel::showsSet() const {
    return m_scope->currentIndex() == 1;
}

void PlotsPanel::setSample(const SampleDataPtr& sample, const std::vector<ClassInfo>& classes,
                           int ignoreIndex) {
    m_classes = classes;
    m_sampleHistograms.clear();
    m_sampleClassSums.clear();
    m_sampleTitle.clear();
    if (sample) {
        // The loader made them off the GUI thread; a sample built by hand has none yet.
        m_sampleHistograms =
            sample->statistics.histograms.size() == sample->loss.maps.size()
                ? sample->statistics.histograms
                : sampleStatistics(sample->loss, sample->sample.labels, ignoreIndex).histograms;
        m_sampleClassSums = sample->loss.summary.classSums;
    }
    if (!showsSet())
        refresh();
}

void PlotsPanel::setSet(const std::vector<LossHistogram>& histograms, const SetSummary& summary,
                        const std::vector<ClassInfo>& classes) {
    m_classes = classes;
    m_setHistograms = histograms;
    m_setClassSums = summary.classSums();
    if (showsSet())
        refresh();
}

void PlotsPanel::refresh() {
    if (showsSet())
        plot(m_setHistograms, m_setClassSums, tr("whole set"));
    else
        plot(m_sampleHistograms, m_sampleClassSums, tr("current sample"));
}

void PlotsPanel::plot(const std::vector<LossHistogram>& histograms,
                      const std::vector<std::vector<double>>& classSums, const QString& title) {
    QChart* oldHistogram = m_histogramView->chart();
    m_histogramView->setChart(histogramChart(histograms, title));
    delete oldHistogram;
    QChart* oldClass = m_classView->chart();
    m_classView->setChart(classChart(classSums, title));
    delete oldClass;
}

// Every variant's per-pixel loss histogram as a step outline on a log count axis.
QChart* PlotsPanel::histogramChart(const std::vector<LossHistogram>& histograms,
                                   const QString& title) const {
    auto* histogram = new QChart();
    histogram->setTitle(tr("Per-pixel loss, %1").arg(title));
    compactChart(histogram);
    auto* x = new QValueAxis();
    x->setTitleText(tr("loss"));
    // The axis ends at the last bin that holds a pixel (rounded up to a nice number), not
    // at the largest loss a clamp allows: most of a fixed 0-16.2 axis would be empty.
    x->setRange(0.0, histogramAxisEnd(histograms));
    x->applyNiceNumbers();
    x->setLabelFormat(QStringLiteral("%g"));
    auto* y = new QLogValueAxis();
    y->setTitleText(tr("pixels"));
    y->setLabelFormat(QStringLiteral("%g"));
    y->setBase(10.0);
    histogram->addAxis(x, Qt::AlignBottom);
    histogram->addAxis(y, Qt::AlignLeft);
    double top = 10.0;
    for (std::size_t v = 0; v < histograms.size(); ++v) {
        auto* series = new QLineSeries();
        series->setName(variantName(v));
        series->setColor(variantColour(v));
        const LossHistogram& h = histograms[v];
        const double width =
            static_cast<double>(h.hi - h.lo) / static_cast<double>(h.counts.size());
        for (std::size_t b = 0; b < h.counts.size(); ++b) {
            // A step outline; empty bins sit at 0.5 so the log axis can show them.
            const double count = h.counts[b] > 0 ? static_cast<double>(h.counts[b]) : 0.5;
            const double left = static_cast<double>(h.lo) + width * static_cast<double>(b);
            series->append(left, count);
            series->append(left + width, count);
            top = std::max(top, count);
        }
        histogram->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    y->setRange(0.5, top * 2.0);
    return histogram;
}

// Each variant's loss sum per labelled class, as bar groups.
QChart* PlotsPanel::classChart(const std::vector<std::vector<double>>& classSums,
                               const QString& title) const {
    auto* perClass = new QChart();
    perClass->setTitle(tr("Loss sum by labelled class, %1").arg(title));
    compactChart(perClass);
    auto* bars = new QBarSeries();
    std::size_t classes = 0;
    for (const auto& sums : classSums)
        classes = std::max(classes, sums.size());
    // Many classes (LVIS has 1,203): a bar group only for the classes with some loss, as the
    // Compare panel and stats list only the classes with pixels.
    const std::vector<std::size_t> listed = classesWithLoss(classSums, kListEveryClassUpTo);
    if (listed.size() < classes)
        perClass->setTitle(tr("Loss sum by labelled class, %1 (the %2 classes with loss, of %3)")
                               .arg(title)
                               .arg(listed.size())
                               .arg(classes));
    double maxSum = 0.0;
    for (std::size_t v = 0; v < classSums.size(); ++v) {
        auto* set = new QBarSet(variantName(v));
        set->setColor(variantColour(v));
        for (const std::size_t c : listed) {
            const double s = c < classSums[v].size() ? classSums[v][c] : 0.0;
            *set << s;
            maxSum = std::max(maxSum, s);
        }
        bars->append(set);
    }
    perClass->addSeries(bars);
    auto* categories = new QBarCategoryAxis();
    for (const std::size_t c : listed)
        categories->append(classLabel(static_cast<int>(c), m_classes));
    perClass->addAxis(categories, Qt::AlignBottom);
    bars->attachAxis(categories);
    auto* sumAxis = new QValueAxis();
    sumAxis->setTitleText(tr("sum of loss"));
    sumAxis->setRange(0.0, maxSum > 0.0 ? maxSum * 1.1 : 1.0);
    sumAxis->setLabelFormat(QStringLiteral("%.3g"));
    perClass->addAxis(sumAxis, Qt::AlignLeft);
    bars->attachAxis(sumAxis);
    return perClass;
}

} // namespace losslens
