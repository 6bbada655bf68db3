#include "panels/RunScatter.h"

#include "render/SampleDetails.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"
#include "state/VariantStyle.h"

#include <QCursor>
#include <QToolTip>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

namespace losslens {

RunScatter::RunScatter(DatasetSession* session, RunScores* runs, QWidget* parent)
    : QChartView(parent)
    , m_session(session)
    , m_runs(runs) {
    setRenderHint(QPainter::Antialiasing);
    setToolTip(tr("Each sample's mean loss (the heatmap's variant) in the run in view against "
                  "the run it is compared with; above the diagonal: worse in the run in view"));
    setMinimumHeight(220);
}

void RunScatter::replot() {
    auto* plot = new QChart();
    plot->setMargins(QMargins(2, 2, 2, 2));
    plot->legend()->setAlignment(Qt::AlignBottom);
    const std::string open = m_runs ? m_runs->openRun() : std::string();
    const std::string other = m_runs ? m_runs->otherRun() : std::string();
    const QString here = runLabel(QString::fromStdString(open));
    const QString there = runLabel(QString::fromStdString(other));
    auto* worse = new QScatterSeries();
    worse->setName(tr("worse in %1").arg(here));
    worse->setColor(QColor(178, 34, 34));
    auto* better = new QScatterSeries();
    better->setName(tr("not worse"));
    better->setColor(QColor(30, 120, 60));
    for (auto* series : {worse, better}) {
        series->setMarkerSize(7.0);
        series->setBorderColor(Qt::transparent);
        // A click shows the sample; hovering names it.
        connect(series, &QScatterSeries::clicked, this, [this](const QPointF& p) {
            if (const auto entry = pointEntry(p))
                emit entryClicked(*entry);
        });
        connect(series, &QScatterSeries::hovered, this, &RunScatter::hoverPoint);
    }
    double top = 0.0;
    std::size_t shown = 0;
    m_points.clear();
    if (m_runs && !other.empty())
        for (std::size_t i = 0; i < m_runs->entryCount(); ++i) {
            const auto y = m_runs->mean(open, i);
            const auto x = m_runs->mean(other, i);
            if (!x || !y)
                continue;
            (*y > *x ? worse : better)->append(*x, *y);
            m_points.emplace_back(QPointF(*x, *y), i);
            top = std::max({top, *x, *y});
            ++shown;
        }
    addAxes(plot, top, here, there, {worse, better});
    const std::size_t pending = m_runs ? m_runs->pending() : 0;
    plot->setTitle(other.empty() ? tr("One run: nothing to compare")
                   : pending > 0 ? tr("%1 vs %2: %3 samples (%4 still to score)")
                                       .arg(here, there)
                                       .arg(shown)
                                       .arg(pending)
                                 : tr("%1 vs %2: %3 samples, %4 worse in %1")
                                       .arg(here, there)
                                       .arg(shown)
                                       .arg(worse->count()));
    QFont titleFont = plot->titleFont();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    plot->setTitleFont(titleFont);
    QChart* old = chart();
    setChart(plot);
    delete old;
}

// The scatter's axes over one nice range (the diagonal at 45 degrees reaching the corner),
// the diagonal itself, and the series on them.
void RunScatter::addAxes(QChart* plot, double top, const QString& here, const QString& there,
                         std::initializer_list<QScatterSeries*> points) const {
    auto* x = new QValueAxis();
    auto* y = new QValueAxis();
    // Both axes over one nice range, so the diagonal is at 45 degrees and reaches the corner.
    x->setRange(0.0, top > 0.0 ? top * 1.05 : 1.0);
    x->applyNiceNumbers();
    y->setRange(x->min(), x->max());
    y->setTickCount(x->tickCount());
    // The diagonal: the same mean in both runs.
    auto* same = new QLineSeries();
    same->setName(tr("same in both"));
    same->setColor(QColor(128, 128, 128));
    same->append(0.0, 0.0);
    same->append(x->max(), x->max());
    plot->addSeries(same);
    for (QScatterSeries* series : points)
        plot->addSeries(series);
    const std::size_t variant = m_runs ? m_runs->variant() : 0;
    const QString name = variantName(variant);
    x->setTitleText(tr("%1: mean %2 loss").arg(there, name));
    y->setTitleText(tr("%1: mean %2 loss").arg(here, name));
    for (QValueAxis* axis : {x, y})
        axis->setLabelFormat(QStringLiteral("%.3g"));
    plot->addAxis(x, Qt::AlignBottom);
    plot->addAxis(y, Qt::AlignLeft);
    same->attachAxis(x);
    same->attachAxis(y);
    for (QScatterSeries* series : points) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

// Hovering a point names its sample (and says a click shows it).
void RunScatter::hoverPoint(const QPointF& p, bool on) {
    const auto entry = on ? pointEntry(p) : std::nullopt;
    QString tip;
    if (entry && m_session && m_session->isOpen() &&
        *entry < m_session->dataset()->entries().size())
        tip = tr("%1\nx %2, y %3 (click to show it)")
                  .arg(QString::fromStdString(m_session->dataset()->entries()[*entry].stem))
                  .arg(p.x(), 0, 'f', 5)
                  .arg(p.y(), 0, 'f', 5);
    setToolTip(tip);
    if (on && !tip.isEmpty())
        QToolTip::showText(QCursor::pos(), tip, this);
}

std::optional<std::size_t> RunScatter::pointEntry(QPointF point) const {
    // Qt reports the series' own point; the nearest one stands in for rounding.
    std::optional<std::size_t> best;
    double bestDistance = 0.0;
    for (const auto& [at, entry] : m_points) {
        const double d = std::hypot(at.x() - point.x(), at.y() - point.y());
        if (!best || d < bestDistance) {
            best = entry;
            bestDistance = d;
        }
    }
    return best && bestDistance <= 1e-9 + 1e-6 * std::hypot(point.x(), point.y()) ? best
                                                                                  : std::nullopt;
}

void RunScatter::clickPoint(std::size_t entry) {
    for (const auto& [at, e] : m_points)
        if (e == entry)
            for (auto* series : chart()->series())
                if (auto* scatter = qobject_cast<QScatterSeries*>(series);
                    scatter && scatter->points().contains(at)) {
                    emit scatter->clicked(at);
                    return;
                }
}

} // namespace losslens
