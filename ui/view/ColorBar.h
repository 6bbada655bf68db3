#pragma once

#include "losslens/report/Colormap.h"
#include "state/HeatmapSource.h"

#include <QString>
#include <QWidget>

#include <vector>

namespace losslens {

// A vertical colour bar for the heatmap: its colour map over the value range (linear or
// log, with ticks to match), the variant it shows, where the range comes from, and a
// triangle at an end when some of the viewed sample's pixels lie beyond it (their share
// in the tooltip), so a clipped range is never mistaken for the data's.
class ColorBar : public QWidget {
    Q_OBJECT
public:
    struct Scale {
        float lo = 0.0f;
        float hi = 1.0f;
        bool log = false;
        double below = 0.0; // share of valid pixels below lo / above hi
        double above = 0.0;
    };

    explicit ColorBar(QWidget* parent = nullptr);
    void setMap(const ColormapLut& lut, const Scale& scale, const QString& title,
                const QString& caption);
    [[nodiscard]] const Scale& scale() const { return m_scale; }
    [[nodiscard]] QSize sizeHint() const override { return {84, 300}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    ColormapLut m_lut{};
    Scale m_scale;
    QString m_title;
    QString m_caption;
};

// Tick values for [lo, hi]: 1, 2 or 5 times a power of ten, about `count` of them.
// The colour bar's title: what it explains (a variant, A − B, this run − the vs run), in as
// few words as fit a narrow bar; `run` and `versus` empty for a set of one run.
[[nodiscard]] QString colorBarTitle(const HeatmapSource& source, const QString& run,
                                    const QString& versus);
// One bar for both canvases: it names both variants when they show two of one run.
[[nodiscard]] QString sharedColorBarTitle(const HeatmapSource& main, const SideSource& side);

[[nodiscard]] std::vector<double> niceTicks(double lo, double hi, int count);
// Ticks for a log scale over [lo, hi] (lo > 0): the powers of ten inside, with 2 and 5
// times them when fewer than three decades are shown.
[[nodiscard]] std::vector<double> logTicks(double lo, double hi);

} // namespace losslens
