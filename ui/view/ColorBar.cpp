#include "view/ColorBar.h"

#include "losslens/loss/LossVariant.h"
#include "state/VariantStyle.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace losslens {

std::vector<double> niceTicks(double lo, double hi, int count) {
    std::vector<double> ticks;
    if (!(hi > lo) || count < 1)
        return ticks;
    const double rough = (hi - lo) / count;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= rough) {
            step = m * power;
            break;
        }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return ticks;
}

std::vector<double> logTicks(double lo, double hi) {
    std::vector<double> ticks;
    if (!(lo > 0.0) || !(hi > lo))
        return ticks;
    const bool fine = std::log10(hi / lo) < 3.0;
    for (int e = static_cast<int>(std::floor(std::log10(lo)));
         e <= static_cast<int>(std::ceil(std::log10(hi))); ++e)
        for (double m : {1.0, 2.0, 5.0}) {
            if (m != 1.0 && !fine)
                continue;
            const double v = m * std::pow(10.0, e);
            if (v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9))
                ticks.push_back(v);
        }
    return ticks;
}

ColorBar::ColorBar(QWidget* parent)
    : QWidget(parent) {
    setMinimumWidth(76);
}

void ColorBar::setMap(const ColormapLut& lut, const Scale& scale, const QString& title,
                      const QString& caption) {
    m_lut = lut;
    m_scale = scale;
    m_title = title;
    m_caption = caption;
    QString tip = tr("Colour scale of the heatmap: %1, %2 scale over %3 … %4 (%5)")
                      .arg(title.simplified(), scale.log ? tr("log") : tr("linear"))
                      .arg(static_cast<double>(scale.lo), 0, 'g', 4)
                      .arg(static_cast<double>(scale.hi), 0, 'g', 4)
                      .arg(caption.simplified());
    if (scale.above > 0.0)
        tip += tr("\n▲ %1% of this sample's pixels lie above the top and take its colour")
                   .arg(scale.above * 100.0, 0, 'g', 3);
    if (scale.below > 0.0)
        tip += tr("\n▼ %1% lie at or below the bottom and take its colour")
                   .arg(scale.below * 100.0, 0, 'g', 3);
    setToolTip(tip);
    update();
}

void ColorBar::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetrics fm(font());
    const int titleLines = static_cast<int>(m_title.count(QLatin1Char('\n'))) + 1;
    const int captionLines = static_cast<int>(m_caption.count(QLatin1Char('\n'))) + 1;
    const int triangle = 9;
    const int top = fm.height() * titleLines + 6 + triangle;
    const int bottom = height() - fm.height() * captionLines - 8 - triangle;
    const int barWidth = 16;
    const int left = 6;
    const QColor text = palette().color(QPalette::WindowText);
    painter.setPen(text);
    painter.drawText(QRect(0, 2, width(), fm.height() * titleLines),
                     Qt::AlignHCenter | Qt::AlignTop, m_title);
    const int span = bottom - top;
    if (span <= 2)
        return;
    for (int y = 0; y <= span; ++y) {
        const auto index = static_cast<std::size_t>(std::lround(255.0 * (span - y) / span));
        const Rgb& c = m_lut[index];
        painter.setPen(QColor(c[0], c[1], c[2]));
        painter.drawLine(left, top + y, left + barWidth, top + y);
    }
    painter.setPen(text);
    painter.drawRect(left, top, barWidth, span);
    // Clipped ends: a triangle in the end's colour beyond it.
    const auto endTriangle = [&](bool up, const Rgb& c) {
        QPainterPath path;
        const double y0 = up ? top - 1 : bottom + 1;
        const double tip = up ? y0 - triangle : y0 + triangle;
        path.moveTo(left, y0);
        path.lineTo(left + barWidth, y0);
        path.lineTo(left + barWidth / 2.0, tip);
        path.closeSubpath();
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.fillPath(path, QColor(c[0], c[1], c[2]));
        painter.drawPath(path);
        painter.setRenderHint(QPainter::Antialiasing, false);
    };
    if (m_scale.above > 0.0)
        endTriangle(true, m_lut[255]);
    if (m_scale.below > 0.0)
        endTriangle(false, m_lut[0]);

    const double lo = static_cast<double>(m_scale.lo);
    const double hi = static_cast<double>(m_scale.hi);
    const bool log = m_scale.log && lo > 0.0 && hi > lo;
    const auto position = [&](double v) {
        return log ? (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo))
                   : (v - lo) / (hi - lo);
    };
    const std::vector<double> ticks = log ? logTicks(lo, hi) : niceTicks(lo, hi, 6);
    int lastY = -1000;
    for (double v : ticks) {
        const int y = top + static_cast<int>(std::lround(span * (1.0 - position(v))));
        painter.drawLine(left + barWidth, y, left + barWidth + 4, y);
        if (std::abs(y - lastY) < fm.height())
            continue; // no overlapping labels
        painter.drawText(left + barWidth + 7, y + fm.ascent() / 2, QString::number(v, 'g', 3));
        lastY = y;
    }
    painter.drawText(
        QRect(0, height() - fm.height() * captionLines - 4, width(), fm.height() * captionLines),
        Qt::AlignHCenter | Qt::AlignBottom, m_caption);
}

QString colorBarTitle(const HeatmapSource& source, const QString& run, const QString& versus) {
    switch (source.kind) {
    case HeatmapSource::Kind::Variant:
        return run.isEmpty() ? variantName(source.a)
                             : QStringLiteral("run %1\n%2").arg(run, variantName(source.a));
    case HeatmapSource::Kind::Difference:
        return QStringLiteral("%1 −\n%2").arg(variantName(source.a), variantName(source.b));
    case HeatmapSource::Kind::RunDifference:
        return QStringLiteral("run %1 −\nrun %2\n%3").arg(run, versus, variantName(source.a));
    }
    return {};
}

QString sharedColorBarTitle(const HeatmapSource& main, const SideSource& side) {
    if (main.isVariant() && !side.versusRun && side.source.a != main.a)
        return QStringLiteral("%1 |\n%2").arg(variantName(main.a), variantName(side.source.a));
    return colorBarTitle(main, QString(), QString());
}

} // namespace losslens
