#pragma once

#include "losslens/report/Colormap.h"

#include <QString>
#include <QWidget>

namespace losslens {

// A vertical colour bar with numeric ticks for the heatmap's colour map and value range.
class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget* parent = nullptr);
    void setMap(const ColormapLut& lut, float lo, float hi, const QString& title);
    [[nodiscard]] QSize sizeHint() const override { return {90, 300}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    ColormapLut m_lut{};
    float m_lo = 0.0f;
    float m_hi = 1.0f;
    QString m_title;
};

// Tick values for [lo, hi]: 1, 2 or 5 times a power of ten, about `count` of them.
[[nodiscard]] std::vector<double> niceTicks(double lo, double hi, int count);

} // namespace losslens
