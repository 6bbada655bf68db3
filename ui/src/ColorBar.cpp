#include "losslens/ui/ColorBar.h"

#include <QPainter>

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

ColorBar::ColorBar(QWidget* parent)
    : QWidget(parent) {
    setMinimumWidth(80);
    setToolTip(tr("Colour scale of the heatmap"));
}

void ColorBar::setMap(const ColormapLut& lut, float lo, float hi, const QString& title) {
    m_lut = lut;
    m_lo = lo;
    m_hi = hi;
    m_title = title;
    update();
}

void ColorBar::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QFontMetrics fm(font());
    const int top = fm.height() + 8;
    const int bottom = height() - fm.height() / 2 - 4;
    const int barWidth = 18;
    const int left = 6;
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(0, 0, width(), fm.height() + 4), Qt::AlignCenter, m_title);
    const int span = bottom - top;
    if (span <= 2)
        return;
    for (int y = 0; y <= span; ++y) {
        const auto index = static_cast<std::size_t>(std::lround(255.0 * (span - y) / span));
        const Rgb& c = m_lut[index];
        painter.setPen(QColor(c[0], c[1], c[2]));
        painter.drawLine(left, top + y, left + barWidth, top + y);
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(left, top, barWidth, span);
    for (double v : niceTicks(m_lo, m_hi, 6)) {
        const double t = (v - static_cast<double>(m_lo)) /
                         (static_cast<double>(m_hi) - static_cast<double>(m_lo));
        const int y = top + static_cast<int>(std::lround(span * (1.0 - t)));
        painter.drawLine(left + barWidth, y, left + barWidth + 4, y);
        painter.drawText(left + barWidth + 7, y + fm.ascent() / 2, QString::number(v, 'g', 4));
    }
}

} // namespace losslens
